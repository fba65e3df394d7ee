// Placeholder: the nunjucks adapter is being written.
export {};
