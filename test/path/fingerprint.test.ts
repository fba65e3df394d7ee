import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fingerprintName, unfingerprintName } from "../../src/core/fingerprint.js";

const H = "3f2a9c1b0d";

describe("fingerprintName", () => {
  it.each([
    ["car.jpg", `car.${H}.jpg`],
    ["x.tar.gz", `x.tar.${H}.gz`],
    ["LICENSE", `LICENSE.${H}`],
    [".htaccess", `.htaccess.${H}`],
    ["my car.min.js", `my car.min.${H}.js`],
  ])("puts the fingerprint of %s before its last extension or at its end", (name, expected) => {
    expect(fingerprintName(name, H)).toBe(expected);
  });

  it("leaves a name that already carries this fingerprint as it is", () => {
    expect(fingerprintName(`car.${H}.jpg`, H)).toBe(`car.${H}.jpg`);
    expect(fingerprintName(`LICENSE.${H}`, H)).toBe(`LICENSE.${H}`);
  });

  it("adds a fingerprint to a name that carries a different one", () => {
    expect(fingerprintName("app.0123456789.js", H)).toBe(`app.0123456789.${H}.js`);
  });
});

describe("unfingerprintName", () => {
  it.each([
    [`car.${H}.jpg`, "car.jpg"],
    [`x.tar.${H}.gz`, "x.tar.gz"],
    [`LICENSE.${H}`, "LICENSE"],
    [`.htaccess.${H}`, ".htaccess"],
  ])("takes the fingerprint out of %s", (name, plain) => {
    expect(unfingerprintName(name, H.length)).toEqual({ name: plain, hash: H });
  });

  it.each(["car.jpg", `.${H}`, `${H}.jpg`, "car.3F2A9C1B0D.jpg", "car.3f2a9c1b.jpg"])(
    "finds no fingerprint in %s",
    (name) => {
      expect(unfingerprintName(name, H.length)).toBeUndefined();
    },
  );

  it("undoes fingerprintName for any name", () => {
    const name = fc
      .stringMatching(/^[a-zA-Z0-9_. -]{1,20}$/)
      .filter((n) => unfingerprintName(n, 10) === undefined && n !== "." && n !== "..");
    const hash = fc.stringMatching(/^[0-9a-f]{10}$/);
    fc.assert(
      fc.property(name, hash, (n, h) => {
        const fingerprinted = fingerprintName(n, h);
        expect(unfingerprintName(fingerprinted, 10)).toEqual({ name: n, hash: h });
        expect(fingerprintName(fingerprinted, h)).toBe(fingerprinted);
      }),
    );
  });
});
