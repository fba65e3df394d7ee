// Placeholder: the eleventy adapter is being written.
export {};
