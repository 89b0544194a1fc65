/** Hands text to the browser as a download, without a second request to the server. */
export function saveTextFile(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // revoke later: some browsers start reading the blob after click() returns
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
