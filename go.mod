module github.com/xvs-switch/xvs

go 1.26
