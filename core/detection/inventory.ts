// Tool-inventory lines: agents print the tools they actually have at start-up; the session compares
// them with the tools cto_config declares (pre-flight, A10). Recognised forms:
//   tool inventory: [github_create_pr, brave_search]        tool inventory for rex: a, b, c
//   tool inventory reported by rex: a, b                    {"event":"tool_inventory","agent":"rex","tools":["a","b"]}
export interface ToolInventoryLine {
  agent?: string;
  tools: string[];
}

const TEXT_FORM = /tool[ _-]?inventory(?:\s+(?:reported\s+)?(?:by|for|of)\s+([\w.-]+))?\s*[:=]\s*(.*)$/i;
const TOOL_NAME = /^[\w.:/@-]+$/;

function toolList(text: string): string[] | undefined {
  const body = text
    .trim()
    .replace(/^\[/, '')
    .replace(/\][\s.]*$/, '');
  if (body === '') return [];
  const tools = body.split(',').map((t) => t.trim().replace(/^["'`]|["'`]$/g, ''));
  // A summary ("14 tools reported, 0 missing") is not a list of names.
  return tools.every((t) => TOOL_NAME.test(t)) ? tools : undefined;
}

export function parseToolInventory(line: string): ToolInventoryLine | undefined {
  if (!/inventory/i.test(line)) return undefined;
  const brace = line.indexOf('{');
  if (brace >= 0) {
    try {
      const obj = JSON.parse(line.slice(brace)) as Record<string, unknown>;
      const kind = String(obj.event ?? obj.msg ?? obj.message ?? obj.type ?? '');
      if (
        /tool[ _-]?inventory/i.test(kind) &&
        !/mismatch/i.test(kind) &&
        Array.isArray(obj.tools) &&
        obj.tools.every((t) => typeof t === 'string')
      ) {
        const agent = typeof obj.agent === 'string' ? obj.agent.toLowerCase() : undefined;
        return { ...(agent ? { agent } : {}), tools: [...new Set(obj.tools as string[])].sort() };
      }
    } catch {
      // not JSON: try the text form
    }
  }
  const m = line.match(TEXT_FORM);
  if (!m) return undefined;
  const tools = toolList(m[2]);
  if (!tools) return undefined;
  return { ...(m[1] ? { agent: m[1].toLowerCase() } : {}), tools: [...new Set(tools)].sort() };
}
