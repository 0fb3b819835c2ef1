// `npm run bench`: Envelope Kit throughput against plain node:crypto, measured in the same run.
//   1. a 256 MiB stream through encryptStream / decryptStream vs a bare AES-256-GCM
//      loop over the same frame size (target ratio >= 0.8), with peak memory;
//   2. one-shot 1 KiB messages with a local RSA-3072 key vs bare RSA-OAEP + AES-GCM.
// Not a test: it prints figures. BENCH_MIB=64 / BENCH_ROUNDS=3 for a shorter run.
import { createCipheriv, createDecipheriv, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes, constants } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decrypt, decryptStream, encrypt, encryptStream } from '@envelope-kit/core';
import { localKeyWrapper } from '@envelope-kit/provider-local';

const MIB = 1024 * 1024;
const TOTAL = Number(process.env.BENCH_MIB ?? 256) * MIB;
const FRAME = 64 * 1024;
const block = randomBytes(MIB);

/** 256 MiB of plaintext in 64 KiB chunks (one random MiB, repeated), as a file stream would give it. */
function source() {
  let sent = 0;
  return new Readable({
    highWaterMark: FRAME,
    read() {
      for (let i = 0; i < MIB / FRAME && sent < TOTAL; i++, sent += FRAME) this.push(block.subarray(i * FRAME, (i + 1) * FRAME));
      if (sent >= TOTAL) this.push(null);
    },
  });
}

/** Replays bytes held in memory in 64 KiB chunks, as a file stream would give them, without disk I/O. */
function replay(blocks) {
  let block = 0;
  let offset = 0;
  return new Readable({
    highWaterMark: FRAME,
    read() {
      for (let i = 0; i < 16 && block < blocks.length; i++) {
        const current = blocks[block];
        this.push(current.subarray(offset, offset + FRAME));
        offset += FRAME;
        if (offset >= current.length) {
          block++;
          offset = 0;
        }
      }
      if (block >= blocks.length) this.push(null);
    },
  });
}

/** Keeps what it is given as 1 MiB blocks. */
function keep(chunks) {
  return new Writable({
    write(chunk, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
}

const discard = () => new Writable({ write: (_chunk, _encoding, callback) => callback() });

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Times `ours` against `baseline` in ROUNDS rounds after a warm-up, each
 * round running both back to back, so both see the same machine speed (a
 * shared VM's speed drifts between seconds). Reports medians: MB/s for each,
 * and the median of the per-round ratios, which cancels the drift.
 */
async function compare(ours, baseline) {
  await run(baseline);
  await run(ours);
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) {
    const base = await run(baseline);
    const mine = await run(ours);
    rounds.push({ base, mine });
  }
  return {
    ours: median(rounds.map((r) => r.mine.seconds)),
    baseline: median(rounds.map((r) => r.base.seconds)),
    ratio: median(rounds.map((r) => r.base.seconds / r.mine.seconds)),
    cpuRatio: median(rounds.map((r) => r.base.cpuSeconds / r.mine.cpuSeconds)),
    rssGrowthMiB: Math.max(...rounds.map((r) => r.mine.rssGrowthMiB)),
  };
}

/** Runs `fn` once: wall time, this process's CPU time, and resident memory sampled while it runs. */
async function run(fn) {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  clearInterval(timer);
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6, rssGrowthMiB: (peak - before) / MIB };
}

function gcmBaselineEncrypt() {
  const key = randomBytes(32);
  const nonce = Buffer.alloc(12);
  for (let done = 0; done < TOTAL; done += FRAME) {
    nonce.writeUInt32BE(done / FRAME, 8);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    const offset = done % MIB;
    cipher.update(block.subarray(offset, offset + FRAME));
    cipher.final();
    cipher.getAuthTag();
  }
}

function gcmBaselineDecrypt() {
  const key = randomBytes(32);
  const frames = [];
  for (let i = 0; i < MIB / FRAME; i++) {
    const nonce = Buffer.alloc(12);
    nonce.writeUInt32BE(i, 8);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    const ciphertext = Buffer.concat([cipher.update(block.subarray(i * FRAME, (i + 1) * FRAME)), cipher.final()]);
    frames.push({ nonce, ciphertext, tag: cipher.getAuthTag() });
  }
  for (let done = 0; done < TOTAL; done += FRAME) {
    const frame = frames[(done / FRAME) % frames.length];
    const decipher = createDecipheriv('aes-256-gcm', key, frame.nonce);
    decipher.setAuthTag(frame.tag);
    decipher.update(frame.ciphertext);
    decipher.final();
  }
}

const mbps = (seconds) => TOTAL / MIB / seconds;
const row = (name, value, unit, baseline) =>
  console.log(`${name.padEnd(44)} ${value.toFixed(1).padStart(9)} ${unit.padEnd(6)} baseline ${baseline.toFixed(1).padStart(9)}  ratio ${(value / baseline).toFixed(2)}`);

async function streams() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
  const keyring = localKeyWrapper(privateKey);
  const producer = localKeyWrapper(publicKey);
  const enc = await compare(
    () => pipeline(source(), encryptStream({ keyring: producer, frameSize: FRAME }), discard()),
    async () => gcmBaselineEncrypt(),
  );
  const envelope = [];
  await pipeline(source(), encryptStream({ keyring: producer, frameSize: FRAME }), keep(envelope));
  const dec = await compare(
    () => pipeline(replay(envelope), decryptStream({ keyring }), discard()),
    async () => gcmBaselineDecrypt(),
  );
  console.log(`\n${TOTAL / MIB} MiB stream, ${FRAME / 1024} KiB frames, ${ROUNDS} paired rounds (baseline: bare node:crypto AES-256-GCM over the same frames, no streams)`);
  console.log(`${''.padEnd(16)} ${'ours MB/s'.padStart(10)} ${'base MB/s'.padStart(10)}  ratio (median of rounds; by CPU time)`);
  for (const [name, r] of [['encryptStream', enc], ['decryptStream', dec]]) {
    console.log(`${name.padEnd(16)} ${mbps(r.ours).toFixed(1).padStart(10)} ${mbps(r.baseline).toFixed(1).padStart(10)}  ${r.ratio.toFixed(2)}  (${r.cpuRatio.toFixed(2)})`);
  }
  console.log(`peak RSS growth while streaming ${TOTAL / MIB} MiB: encrypt ${enc.rssGrowthMiB.toFixed(1)} MiB, decrypt ${dec.rssGrowthMiB.toFixed(1)} MiB`);
}

async function opsPerSecond(fn, seconds = 2) {
  let ops = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    await fn();
    ops++;
  }
  return ops / seconds;
}

async function smallMessages() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
  const keyring = localKeyWrapper(privateKey);
  const message = randomBytes(1024);
  const envelope = await encrypt(message, { keyring, context: { tenant: 'bench' } });
  const oaep = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
  const naiveEncrypt = () => {
    const dek = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dek, iv);
    const body = Buffer.concat([cipher.update(message), cipher.final(), cipher.getAuthTag()]);
    return { wrapped: publicEncrypt({ key: publicKey, ...oaep }, dek), iv, body };
  };
  const naive = naiveEncrypt();
  const naiveDecrypt = () => {
    const dek = privateDecrypt({ key: privateKey, ...oaep }, naive.wrapped);
    const decipher = createDecipheriv('aes-256-gcm', dek, naive.iv);
    decipher.setAuthTag(naive.body.subarray(-16));
    return Buffer.concat([decipher.update(naive.body.subarray(0, -16)), decipher.final()]);
  };
  const enc = await opsPerSecond(() => encrypt(message, { keyring, context: { tenant: 'bench' } }));
  const baseEnc = await opsPerSecond(async () => naiveEncrypt());
  const dec = await opsPerSecond(() => decrypt(envelope, { keyring }));
  const baseDec = await opsPerSecond(async () => naiveDecrypt());
  console.log('\n1 KiB messages, local RSA-3072 key (baseline: bare RSA-OAEP-SHA-256 + one AES-256-GCM call)');
  row('encrypt', enc, 'ops/s', baseEnc);
  row('decrypt', dec, 'ops/s', baseDec);
}

console.log(`node ${process.version}, ${process.arch}`);
await streams();
await smallMessages();
