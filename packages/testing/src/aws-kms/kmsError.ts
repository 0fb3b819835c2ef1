/**
 * The error shapes the emulator answers with, and the HTTP status AWS KMS
 * documents for each. Over JSON 1.1 the SDK reads the shape name from the
 * body's `__type`, so the name must be exact; the status decides retries
 * (5xx are retried, 400s are not, except the throttling names).
 */
export const KMS_ERROR_STATUS = {
  // Key and ciphertext errors, from the KMS API reference.
  NotFoundException: 400,
  DisabledException: 400,
  KMSInvalidStateException: 400,
  IncorrectKeyException: 400,
  InvalidCiphertextException: 400,
  InvalidKeyUsageException: 400,
  UnsupportedOperationException: 400,
  AlreadyExistsException: 400,
  InvalidAliasNameException: 400,
  // Errors common to every AWS JSON service.
  AccessDeniedException: 400,
  ThrottlingException: 400,
  ValidationException: 400,
  SerializationException: 400,
  UnknownOperationException: 400,
  UnrecognizedClientException: 400,
  InvalidSignatureException: 400,
  IncompleteSignatureException: 400,
  MissingAuthenticationTokenException: 400,
  // Server-side faults: the SDK retries these.
  KMSInternalException: 500,
  DependencyTimeoutException: 500,
  KeyUnavailableException: 500,
  ServiceUnavailableException: 503,
} as const;

export type KmsErrorType = keyof typeof KMS_ERROR_STATUS;

/** An error the emulator reports to the client as `{"__type": type, "message": ...}`. */
export class KmsError extends Error {
  override readonly name = 'KmsError';

  constructor(
    readonly type: KmsErrorType,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return KMS_ERROR_STATUS[this.type];
  }

  toBody(): string {
    return JSON.stringify({ __type: this.type, message: this.message });
  }
}

export function isKmsErrorType(name: string): name is KmsErrorType {
  return Object.hasOwn(KMS_ERROR_STATUS, name);
}
