// Credentials travel in the SOAP body, so anything derived from a request or an answer (a
// fault string that echoes the request, a parser error quoting the body) could carry them.
// Every message that leaves the client passes through a redactor first.

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

function xmlEscaped(value: string): string {
  return value.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

export type Redactor = (text: string) => string;

/** Replaces each secret, raw or XML-escaped, with [hidden]. */
export function secretRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    forms.add(xmlEscaped(secret));
  }
  // Longest first, so a secret containing another is replaced whole.
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  return (text) => ordered.reduce((acc, form) => acc.split(form).join('[hidden]'), text);
}
