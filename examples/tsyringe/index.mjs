// Envelope Kit in a tsyringe app: the service comes out of the container,
// built from the same configuration as everywhere else (ENVELOPE_KEYS).
// No decorators needed; apps that use them inject ENVELOPE_SERVICE the same way.
import 'reflect-metadata';
import { container } from 'tsyringe';
import { loadConfig } from '@envelope-kit/core';
import { createEnvelopeContainer, ENVELOPE_SERVICE } from '@envelope-kit/core/di';

/** An app service that depends on the envelope service. */
class SecretNotes {
  constructor(envelopes) {
    this.envelopes = envelopes;
  }
  seal(owner, note) {
    return this.envelopes.encrypt(note, { owner });
  }
  async open(owner, sealed) {
    const { plaintext } = await this.envelopes.decrypt(sealed, { owner });
    return Buffer.from(plaintext).toString('utf8');
  }
}

const scope = await createEnvelopeContainer(container, await loadConfig());
scope.register(SecretNotes, { useFactory: (c) => new SecretNotes(c.resolve(ENVELOPE_SERVICE)) });

const notes = scope.resolve(SecretNotes);
const sealed = await notes.seal('ada', 'meet at noon');
console.log(`sealed ${sealed.length} bytes; opened: "${await notes.open('ada', sealed)}"`);
