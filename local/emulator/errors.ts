/**
 * The error the emulator answers with. Its `code` becomes the JSON `__type` the AWS SDK reads to
 * pick the exception class, its message becomes the exception's `.message`.
 */
export class KmsFault extends Error {
  /** KMS's error code, e.g. `NotFoundException`. */
  readonly code: string;
  /** HTTP status: 400 for client errors, 500 for `KMSInternalException`. */
  readonly status: number;
  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'KmsFault';
    this.code = code;
    this.status = status;
  }
}

/** Shorthand constructors for the codes the operations use, with KMS's message style. */
export const faults = {
  validation: (message: string) => new KmsFault('ValidationException', message),
  notFound: (message: string) => new KmsFault('NotFoundException', message),
  keyNotFound: (arn: string) => new KmsFault('NotFoundException', `Key '${arn}' does not exist`),
  invalidKeyId: (keyId: string) => new KmsFault('NotFoundException', `Invalid keyId ${keyId}`),
  invalidArn: (arn: string) => new KmsFault('InvalidArnException', `Invalid arn ${arn}`),
  invalidState: (message: string) => new KmsFault('KMSInvalidStateException', message),
  disabled: (arn: string) => new KmsFault('DisabledException', `${arn} is disabled.`),
  alreadyExists: (message: string) => new KmsFault('AlreadyExistsException', message),
  invalidAliasName: (message: string) => new KmsFault('InvalidAliasNameException', message),
  unsupported: (message: string) => new KmsFault('UnsupportedOperationException', message),
  malformedPolicy: (message: string) => new KmsFault('MalformedPolicyDocumentException', message),
  limitExceeded: (message: string) => new KmsFault('LimitExceededException', message),
  tag: (message: string) => new KmsFault('TagException', message),
  accessDenied: (message: string) => new KmsFault('AccessDeniedException', message),
  invalidMarker: () => new KmsFault('InvalidMarkerException', 'Invalid marker'),
  invalidKeyUsage: (message: string) => new KmsFault('InvalidKeyUsageException', message),
  invalidCiphertext: () => new KmsFault('InvalidCiphertextException', 'The ciphertext is invalid.'),
  incorrectKey: () => new KmsFault('IncorrectKeyException', 'The key ID in the request does not identify the KMS key that encrypted the ciphertext.'),
  serialization: (message: string) => new KmsFault('SerializationException', message),
  throttling: () => new KmsFault('ThrottlingException', 'Rate exceeded'),
  internal: () => new KmsFault('KMSInternalException', 'An internal error occurred (injected by the emulator).', 500),
};
