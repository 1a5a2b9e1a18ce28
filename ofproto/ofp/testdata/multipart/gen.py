import struct
def hdr(t,body,xid=0x1234): return struct.pack("!BBHI",4,t,8+len(body),xid)+body
def mp(t, typ, flags, body): return hdr(t, struct.pack("!HH4x", typ, flags)+body)
def s(x,n): return x.encode().ljust(n,b'\0')
def port(no, mac, name, cfg, st, cur, adv, sup, peer, cs, ms):
    return struct.pack("!I4x6s2x16sIIIIIIII", no, bytes.fromhex(mac), name.encode(), cfg, st, cur, adv, sup, peer, cs, ms)
G={}
G["port_status"]=hdr(12, struct.pack("!B7x",2)+port(3,"0a1b2c3d4e5f","veth-xvs0",0x65,0x5,0x2820,0x283f,0xffff,0x20,10000000,100000000))
G["port_status_add_local"]=hdr(12, struct.pack("!B7x",0)+port(0xfffffffe,"020000000001","br0",0,0,0,0,0,0,0,0))
G["port_mod"]=hdr(16, struct.pack("!I4x6s2xIIII", 5, bytes.fromhex("0a1b2c3d4e5f"), 0x65, 0x65, 0x820, 0))
G["port_mod_unchanged"]=hdr(16, struct.pack("!I4x6s2xIIII", 1, bytes.fromhex("000000000001"), 0x1, 0x41, 0, 0))
G["desc_req"]=mp(18,0,0,b'')
G["desc_reply"]=mp(19,0,0,s("xvs project",256)+s("virtual",256)+s("xvs 0.1",256)+s("None",32)+s("br0",256))
G["table_req"]=mp(18,3,0,b'')
t=lambda i,a,l,m: struct.pack("!B3xIQQ",i,a,l,m)
G["table_reply"]=mp(19,3,0,t(0,5,100,50)+t(1,0,0,0)+t(2,0,0,0)+t(3,0,0,0)+t(4,2,7,7)+t(5,2,7,7))
G["port_stats_req"]=mp(18,4,0,struct.pack("!I4x",0xffffffff))
ps=lambda p,c,dur,ns: struct.pack("!I4x12QII",p,*c,dur,ns)
G["port_stats_reply"]=mp(19,4,0,ps(1,range(1,13),30,500000000)+ps(0xfffffffe,[0xffffffffffffffff]*3+[0]*9,0xffffffff,0))
G["queue_req"]=mp(18,5,0,struct.pack("!II",0xffffffff,0xffffffff))
G["queue_reply"]=mp(19,5,0,struct.pack("!IIQQQII",1,2,100,10,0,5,6)+struct.pack("!IIQQQII",2,0,1,1,0xffffffffffffffff,0xffffffff,0))
G["group_req"]=mp(18,6,0,struct.pack("!I4x",0xfffffffc))
G["group_reply"]=mp(19,6,0,struct.pack("!H2xII4xQQII",72,1,2,10,1000,3,4)+struct.pack("!QQ",5,500)+struct.pack("!QQ",5,500)+struct.pack("!H2xII4xQQII",40,7,0,0,0,0xffffffff,0))
G["group_features_req"]=mp(18,8,0,b'')
G["group_features_reply"]=mp(19,8,0,struct.pack("!II4I4I",0xf,0x5,10,20,0,40,0x3fe8001,1,1<<22,0x8001))
G["meter_req"]=mp(18,9,0,struct.pack("!I4x",0xffffffff))
G["meter_reply"]=mp(19,9,0,struct.pack("!IH6xIQQII",1,72,2,30,3000,7,8)+struct.pack("!QQ",1,100)+struct.pack("!QQ",2,200)+struct.pack("!IH6xIQQII",0xfffffffe,40,0,0,0,1,0))
G["meter_features_req"]=mp(18,11,0,b'')
G["meter_features_reply"]=mp(19,11,0,struct.pack("!IIIBB2x",1000,6,0xf,2,3))
G["port_desc_req"]=mp(18,13,0,b'')
G["port_desc_reply"]=mp(19,13,1,port(2,"0a1b2c3d4e5f","p2",0,4,0x820,0,0,0,1000000,0)+port(1,"0a1b2c3d4e50","p1",1,1,0,0,0,0,0,0))
G["exp_req"]=mp(18,0xffff,0,struct.pack("!II",0x2320,7)+b"abc")
G["exp_reply"]=mp(19,0xffff,0,struct.pack("!II",0x1234,7))
G["aggregate_reply"]=mp(19,2,0,struct.pack("!QQI4x",10,1000,3))
def prop(t, body):
    n=4+len(body); return struct.pack("!HH",t,n)+body+b'\0'*((8-n%8)%8)
def tf(tid, name, props):
    body=s(name,32)+struct.pack("!QQII",0xffffffffffffffff,0xff,3,1000000)+b''.join(props)
    return struct.pack("!HB5x",8+len(body),tid)+body
ins=b''.join(struct.pack("!HH",t,4) for t in (1,2,3,4,5,6))
acts=b''.join(struct.pack("!HH",t,4) for t in (0,17,18,25))
oxm=lambda fs: b''.join(struct.pack("!I",f) for f in fs)
props=[prop(0,ins),prop(1,ins[:8]),prop(2,bytes([1,2,3])),prop(3,bytes([5])),prop(4,acts),prop(5,acts),prop(6,acts),prop(7,acts[:4]),
 prop(8,oxm([0x80000004,0x80000606,0x80000a02,0x80001604])),prop(10,oxm([0x80000606])),prop(12,oxm([0x80000606,0x80000806])),prop(13,oxm([0x80000606])),prop(14,oxm([0x80000c02])),prop(15,oxm([0x80000c02])),
 prop(0xfffe,struct.pack("!II",0x2320,0x10)+b"abcd"),prop(0xffff,struct.pack("!II",0x2320,0x11))]
G["table_features_req_empty"]=mp(18,12,0,b'')
G["table_features_req"]=mp(18,12,0,tf(0,"classifier",props))
G["table_features_reply"]=mp(19,12,0,tf(0,"classifier",props)+tf(1,"t1",props))
def match(*oxms):
    body=b''.join(oxms); n=4+len(body)
    return struct.pack("!HH",1,n)+body+b'\0'*((8-n%8)%8)
in_port=lambda p: struct.pack("!II",0x80000004,p)
eth_type=lambda t: struct.pack("!IH",0x80000a02,t)
ipv4_dst=lambda a: struct.pack("!I4s",0x80001804,bytes(a))
output=lambda p: struct.pack("!HHIH6x",0,16,p,0xffe5)
def apply(*acts):
    body=b''.join(acts); return struct.pack("!HH4x",4,8+len(body))+body
goto=lambda t: struct.pack("!HHB3x",1,8,t)
def fsreq(table,out_port,out_group,cookie,mask,m):
    return struct.pack("!B3xII4xQQ",table,out_port,out_group,cookie,mask)+m
G["flow_req_all"]=mp(18,1,0,fsreq(0xff,0xffffffff,0xffffffff,0,0,match()))
G["flow_req"]=mp(18,1,0,fsreq(1,2,0xffffffff,0x10,0xff,match(in_port(1),eth_type(0x800),ipv4_dst([10,0,0,2]))))
G["aggregate_req"]=mp(18,2,0,fsreq(0xff,0xffffffff,0xffffffff,0,0,match(eth_type(0x806))))
def fs(table,dsec,dnsec,prio,idle,hard,flags,cookie,pk,by,m,ins):
    body=struct.pack("!IIHHHH4xQQQ",dsec,dnsec,prio,idle,hard,flags,cookie,pk,by)+m+ins
    return struct.pack("!HBx",4+len(body),table)+body
G["flow_reply"]=mp(19,1,0,fs(0,5,500000000,10,0,0,0,0,3,180,match(in_port(1),eth_type(0x800),ipv4_dst([10,0,0,2])),apply(output(2)))
  +fs(1,1,0,0x8000,60,300,1,0xabc,0,0,match(),apply()+goto(2)))
def bucket(w,wp,wg,*acts):
    body=b''.join(acts); return struct.pack("!HHII4x",16+len(body),w,wp,wg)+body
def gd(t,gid,*bs):
    body=b''.join(bs); return struct.pack("!HBxI",8+len(body),t,gid)+body
G["group_desc_req"]=mp(18,7,0,b'')
G["group_desc_reply"]=mp(19,7,0,gd(1,1,bucket(5,0xffffffff,0xffffffff,output(1)),bucket(7,0xffffffff,0xffffffff,output(2)))+gd(0,2,bucket(0,0xffffffff,0xffffffff,output(3),output(4)))+gd(2,3))
G["meter_config_req"]=mp(18,10,0,struct.pack("!I4x",1))
drop=lambda r,b: struct.pack("!HHII4x",1,16,r,b)
dscp=lambda r,b,p: struct.pack("!HHIIB3x",2,16,r,b,p)
def mc(flags,mid,*bands):
    body=b''.join(bands); return struct.pack("!HHI",8+len(body),flags,mid)+body
G["meter_config_reply"]=mp(19,10,0,mc(0x5,1,drop(1000,100))+mc(0xa,2,drop(10,0),dscp(20,0,1))+mc(1,3))
for k,v in G.items(): print(k, v.hex())
