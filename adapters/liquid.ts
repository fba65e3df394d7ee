// Placeholder: the liquid adapter is being written.
export {};
