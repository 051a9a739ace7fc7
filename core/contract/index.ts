// The public contract of Healer's workflows: workflow ids, task queues, search attributes, every
// signal, query and update definition, and the input and view types. The workflows, activities,
// API, scanner, CLI and MCP server import it from here; nothing else declares a message name.
export * from './ids';
export * from './search-attributes';
export * from './types';
export * from './session';
export * from './incident';
export * from './model';
export * from './watchdog';
export * from './ci';
export * from './limits';
export * from './log-store';
