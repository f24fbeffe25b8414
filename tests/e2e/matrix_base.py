"""Matrix cases for the captures that predate the matrix (pcaps/lab from the first
lab runs, pcaps/public). See matrix.py for what a Case asserts."""
from matrix import Case, F

CASES = [
    Case("lab/healthy.pcap", "healthy: Kamailio, SIPp, NAT, phone side"),
    Case("lab/wrong_port.pcap", "phone side, UDP, IPv4, Kamailio, nothing on port 5070",
         expect=[F("register.no_response", "icmp_port_unreachable", "error", frames=[1, 2, 21])]),
]
