// A recipe: etcd built from go.etcd.io/etcd/server/v3 on the Go module proxy. Debian's
// etcd-server is 3.4, older than the 3.5+ Kubernetes 1.34 supports.
// Keep ETCD_VERSION in ../build.sh and the require line in step.
module tracehound.dev/etcd

go 1.24.0

require go.etcd.io/etcd/server/v3 v3.6.4
