// SPDX-License-Identifier: EUPL-1.2
// G-code programs for the laser of the demo lab (600 × 400 mm, M4 only).
export function laserProgram(lines) {
  const out = ["G21 G90", "M4 S0", "G0 X20 Y20"];
  for (let i = 0; i < lines; i++) out.push(`G1 X${(20 + (i % 200) * 0.5).toFixed(1)} Y${(20 + Math.floor(i / 200) * 0.5).toFixed(1)} S300 F2400`);
  out.push("M5", "G0 X0 Y0");
  return Buffer.from(out.join("\n") + "\n");
}

// Line 4 leaves the work envelope: preflight names it.
export const outsideEnvelope = Buffer.from(["G21 G90", "M4 S0", "G0 X20 Y20", "G1 X700 Y20 S300 F1800", "M5"].join("\n") + "\n");
export const outsideEnvelopeLine = 4;
