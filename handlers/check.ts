// Placeholder until the renew job lands; replaced by the composition root.
export async function handler(): Promise<{ ok: boolean }> {
  return { ok: false };
}
