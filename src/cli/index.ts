// Placeholder: the CLI is being written.
export {};
