module github.com/xvs-switch/xvs

go 1.26

require github.com/gopacket/gopacket v1.7.7
