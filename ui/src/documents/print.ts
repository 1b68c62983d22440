// Printed documents: made by core (PDF), then opened, saved or printed. In the app the PDF is
// saved to the Downloads folder and opened in the system's viewer (which prints it); in a
// browser it opens in a tab, downloads, or prints from a hidden frame.
import type { DocumentFile, DocumentKind, Lang } from '../bindings';
import { inTauri, invokeCommand } from '../lib/api';
import { fromBase64, saveFile } from '../lib/files';
import { i18n } from '../lib/i18n.svelte';
import { session } from '../lib/session.svelte';

export type DocumentAction = 'open' | 'save' | 'print';

/** Makes the document in the app's language. */
export function renderDocument(kind: DocumentKind, id: string | null): Promise<DocumentFile> {
  return session.api.document_render({ kind, id, lang: i18n.locale as Lang });
}

function blobUrl(file: DocumentFile): string {
  return URL.createObjectURL(new Blob([fromBase64(file.content) as BlobPart], { type: file.media_type }));
}

/** Prints a PDF from a frame of this page (the browser's PDF viewer prints it). */
function printInFrame(url: string) {
  const frame = document.createElement('iframe');
  frame.style.position = 'fixed';
  frame.style.width = '0';
  frame.style.height = '0';
  frame.style.border = '0';
  frame.src = url;
  frame.onload = () => {
    try {
      frame.contentWindow?.focus();
      frame.contentWindow?.print();
    } catch {
      window.open(url, '_blank');
    }
  };
  document.body.append(frame);
  setTimeout(() => {
    frame.remove();
    URL.revokeObjectURL(url);
  }, 120_000);
}

/** Opens, saves or prints a made document; in the app, returns where it was saved. */
export async function deliver(file: DocumentFile, action: DocumentAction): Promise<string | null> {
  if (inTauri()) {
    return invokeCommand<string>('file_save', { fileName: file.file_name, content: file.content, open: action !== 'save' });
  }
  if (action === 'save') {
    saveFile(file.file_name, file.media_type, fromBase64(file.content));
    return null;
  }
  const url = blobUrl(file);
  if (action === 'print') {
    printInFrame(url);
  } else {
    window.open(url, '_blank', 'noopener');
    setTimeout(() => URL.revokeObjectURL(url), 120_000);
  }
  return null;
}
