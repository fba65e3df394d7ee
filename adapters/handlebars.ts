// Placeholder: the handlebars adapter is being written.
export {};
