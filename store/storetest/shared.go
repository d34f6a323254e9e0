package storetest

import (
	"net/url"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// What a REDIS_URL names, read as store.Open reads it: several addr=
// parameters or cluster=true name a Cluster, master_name= a Sentinel
// deployment, anything else one server.
const (
	standalone = ""
	cluster    = "cluster"
	sentinel   = "sentinel"
)

func topologyOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return standalone // redis.ParseURL will say what is wrong
	}
	q := u.Query()
	force, _ := strconv.ParseBool(q.Get("cluster"))
	switch {
	case q.Has("master_name"):
		return sentinel
	case force || q.Has("addr"):
		return cluster
	}
	return standalone
}

// Standalone reports whether the server is one redis-server, ours or
// REDIS_URL's, as opposed to a Cluster or Sentinel deployment named by
// REDIS_URL.
func (s *Server) Standalone() bool { return s.topology == standalone }

// Universal returns a client for whatever the server is (one server, a
// Cluster, the primary a Sentinel names), closed when the test ends.
func (s *Server) Universal() redis.UniversalClient {
	c, err := s.newClient()
	if err != nil {
		s.t.Fatalf("storetest: %v", err)
	}
	s.t.Cleanup(func() { _ = c.Close() })
	return c
}

// newClient makes a client for s.URL; the caller closes it.
func (s *Server) newClient() (redis.UniversalClient, error) {
	switch s.topology {
	case cluster:
		u, err := url.Parse(s.URL)
		if err != nil {
			return nil, err
		}
		// cluster=true is store.Open's parameter, unknown to go-redis.
		q := u.Query()
		q.Del("cluster")
		u.RawQuery = q.Encode()
		o, err := redis.ParseClusterURL(u.String())
		if err != nil {
			return nil, err
		}
		return redis.NewClusterClient(o), nil
	case sentinel:
		o, err := redis.ParseFailoverURL(s.URL)
		if err != nil {
			return nil, err
		}
		return redis.NewFailoverClient(o), nil
	}
	o, err := redis.ParseURL(s.URL)
	if err != nil {
		return nil, err
	}
	return redis.NewClient(o), nil
}
