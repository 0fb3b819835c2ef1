import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ChannelCredentials, ServiceDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/**
 * What the emulator borrows from the installed `@google-cloud/kms`: its own
 * .proto files (so requests and responses are encoded exactly as the client
 * expects, with no hand-written message types), and the gRPC module of the
 * google-gax copy the client runs on (so channel credentials made here pass
 * that copy's `instanceof` checks even when npm installed two grpc-js copies).
 */
const SERVICE_NAME = 'google.cloud.kms.v1.KeyManagementService';
const SERVICE_PROTO = 'google/cloud/kms/v1/service.proto';

const require = createRequire(import.meta.url);

let service: ServiceDefinition | undefined;

/** The KeyManagementService definition, loaded once per process from the client's protos. */
export function kmsServiceDefinition(): ServiceDefinition {
  if (service) return service;
  const kmsPackage = resolveKmsPackage();
  // service.proto imports google/api/*, google/longrunning/* and google/protobuf/*,
  // which the client takes from its google-gax dependency.
  const gaxEntry = createRequire(kmsPackage).resolve('google-gax');
  const definitions = loadSync(SERVICE_PROTO, {
    includeDirs: [join(dirname(kmsPackage), 'build', 'protos'), join(dirname(gaxEntry), '..', 'protos')],
    // The options google-gax loads the same protos with, so both sides agree on shapes.
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const definition = definitions[SERVICE_NAME];
  if (!isServiceDefinition(definition)) throw new Error(`${SERVICE_PROTO} does not define ${SERVICE_NAME}`);
  service = definition;
  return definition;
}

/** `grpc.credentials.createInsecure()` from the gRPC module the installed KMS client uses. */
export function insecureClientCredentials(): ChannelCredentials {
  const gax: unknown = createRequire(resolveKmsPackage())('google-gax');
  const credentials = isObject(gax) && isObject(gax['grpc']) ? gax['grpc']['credentials'] : undefined;
  const createInsecure = isObject(credentials) ? credentials['createInsecure'] : undefined;
  if (typeof createInsecure !== 'function') throw new Error('google-gax does not expose grpc.credentials.createInsecure()');
  const created: unknown = createInsecure.call(credentials);
  if (!isChannelCredentials(created)) throw new Error('grpc.credentials.createInsecure() did not return channel credentials');
  return created;
}

function resolveKmsPackage(): string {
  try {
    return require.resolve('@google-cloud/kms/package.json');
  } catch (cause) {
    throw new Error('the GCP KMS emulator reads the .proto files of @google-cloud/kms: npm install --save-dev @google-cloud/kms', { cause });
  }
}

function isServiceDefinition(value: unknown): value is ServiceDefinition {
  if (!isObject(value)) return false;
  const encrypt = value['Encrypt'];
  return isObject(encrypt) && typeof encrypt['path'] === 'string' && typeof encrypt['requestDeserialize'] === 'function';
}

function isChannelCredentials(value: unknown): value is ChannelCredentials {
  return isObject(value) && typeof value['compose'] === 'function' && typeof value['_isSecure'] === 'function';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}
