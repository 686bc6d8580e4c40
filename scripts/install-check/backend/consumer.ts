import { type BackendSelection, selectBackend } from '@vaekit/backend';

export async function pick(): Promise<string> {
  const selection: BackendSelection = await selectBackend('auto');
  return selection.choice;
}
