; malformed and unsafe on purpose
G21 G90
M104 S320
M140 S130
G1 X300 Y10 F3000
G1 X10 Y-5
M500
G1 X10 Y10 Q
(unclosed comment
M999
