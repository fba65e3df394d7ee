// Eleventy 3 ships no type declarations; the tests use it untyped.
declare module "@11ty/eleventy";
declare module "@11ty/eleventy-plugin-handlebars";
declare module "@11ty/eleventy-img";
