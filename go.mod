module github.com/xvs-switch/xvs

go 1.26

require github.com/gopacket/gopacket v1.7.7

require go.etcd.io/bbolt v1.5.0

require golang.org/x/sys v0.45.0 // indirect
