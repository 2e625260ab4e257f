/** Query parameters whose values are credentials. */
const SECRET_PARAMS =
  /^(token|access_token|auth|authorization|password|passwd|secret|key|api_key|apikey|signature|sig)$/i;

/**
 * A URL safe to print: user name and password removed, secret-looking query parameters replaced by `[redacted]`.
 *
 * @example
 * redactUrl("https://u:p@m.example/v2/apps?token=abc&embed=apps.tasks");
 * // "https://m.example/v2/apps?token=%5Bredacted%5D&embed=apps.tasks"
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/\/\/[^/@]*@/, "//");
  }
  parsed.username = "";
  parsed.password = "";
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAMS.test(key)) parsed.searchParams.set(key, "[redacted]");
  }
  return parsed.toString();
}

/** The readable text of an error body: HTML reduced to its title or first text, everything cut to `max` characters. */
export function summarizeBody(text: string, max = 300): string {
  let out = text;
  if (/^\s*<(!doctype|html|head|body)/i.test(text)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
    const body = text.replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ").replace(/<[^>]+>/g, " ");
    out = title?.trim() || body;
  }
  out = out.replace(/\s+/g, " ").trim();
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}
