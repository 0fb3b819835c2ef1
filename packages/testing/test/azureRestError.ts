/** What a test checks of a failed @azure/keyvault-keys call: status, Key Vault error codes, and the socket error of an outage. */
export interface RestErrorSummary {
  readonly statusCode?: number;
  readonly code?: string;
  readonly innerCode?: string;
  readonly message: string;
  readonly errno?: string;
}

/** The SDK's error, for checking its status and Key Vault error body. */
export async function restErrorOf(promise: Promise<unknown>): Promise<RestErrorSummary> {
  try {
    await promise;
  } catch (error) {
    const rest = error as { statusCode?: number; message: string; code?: string; details?: { error?: { code?: string; innerError?: { code?: string } } } };
    const code = rest.details?.error?.code;
    const innerCode = rest.details?.error?.innerError?.code;
    return {
      message: rest.message,
      ...(rest.statusCode === undefined ? {} : { statusCode: rest.statusCode }),
      ...(code === undefined ? {} : { code }),
      ...(innerCode === undefined ? {} : { innerCode }),
      ...(rest.code === undefined ? {} : { errno: rest.code }),
    };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
