// Placeholder: transitive CSS busting is being written.
export {};
