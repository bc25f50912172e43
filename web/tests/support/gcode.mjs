// SPDX-License-Identifier: EUPL-1.2
// G-code programs for the demo lab: the laser (600 × 400 mm, M4 only) and
// the printer.
export function laserProgram(lines) {
  const out = ["G21 G90", "M4 S0", "G0 X20 Y20"];
  for (let i = 0; i < lines; i++) out.push(`G1 X${(20 + (i % 200) * 0.5).toFixed(1)} Y${(20 + Math.floor(i / 200) * 0.5).toFixed(1)} S300 F2400`);
  out.push("M5", "G0 X0 Y0");
  return Buffer.from(out.join("\n") + "\n");
}

// Line 4 leaves the work envelope: preflight names it.
export const outsideEnvelope = Buffer.from(["G21 G90", "M4 S0", "G0 X20 Y20", "G1 X700 Y20 S300 F1800", "M5"].join("\n") + "\n");
export const outsideEnvelopeLine = 4;

// A short print for the demo lab's printer (250 × 210 mm), without heating.
export function printerProgram(moves) {
  const out = ["G21", "G90", "G28"];
  for (let i = 0; i < moves; i++) out.push(`G1 X${10 + (i % 200)} Y20 F6000`);
  return Buffer.from(out.join("\n") + "\n");
}

// Line 4 leaves the printer's work envelope.
export const outsidePrinterEnvelope = Buffer.from(["G21", "G90", "G28", "G1 X300 Y20 F6000", "G1 X10 Y20"].join("\n") + "\n");
export const outsidePrinterEnvelopeLine = 4;
