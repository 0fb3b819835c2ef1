/** The status and Vault messages of a failed node-vault call. */
export async function failure(call: Promise<unknown>): Promise<{ status: number; errors: readonly string[] }> {
  try {
    await call;
  } catch (error) {
    const { response } = error as { response?: { statusCode: number; body?: { errors?: string[] } } };
    if (!response) throw error;
    return { status: response.statusCode, errors: response.body?.errors ?? [] };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
