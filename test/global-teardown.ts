export default async function globalTeardown(): Promise<void> {
  await globalThis.__HEALER_DEV_SERVER__?.stop();
}
