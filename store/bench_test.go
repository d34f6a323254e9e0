package store

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/elmabot/elmabot/store/storetest"
)

// benchClients is how many goroutines record answers at once, and how
// many connections redis-benchmark opens for the baseline.
const benchClients = 64

// roundTrips counts what a client sends: a command or a whole pipeline
// is one round trip.
type roundTrips struct{ n atomic.Int64 }

func (h *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}

func (h *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}

// BenchmarkRecordAnswer records new answers from 64 goroutines and
// reports answers/s and round trips per answer, then runs redis-benchmark
// with EVALSHA of the same script, on the same server, with as many
// connections, and reports its rate (evalsha/s) and our share of it
// (ratio). Both sides do the same work: every call stores a new answer
// of one participant.
func BenchmarkRecordAnswer(b *testing.B) {
	srv := storetest.Start(b)
	client := redis.NewClient(&redis.Options{Addr: srv.Addr, PoolSize: benchClients})
	b.Cleanup(func() { client.Close() })
	counter := &roundTrips{}
	client.AddHook(counter)
	s := New(client, WithPrefix(srv.Prefix))
	ctx := context.Background()
	p, err := s.CreateParticipant(ctx, Participant{Name: "bench", Created: start}, telegram("bench"))
	if err != nil {
		b.Fatal(err)
	}
	// Register the quiz, load the script and open every connection
	// outside the measurement: each new connection costs a handshake.
	mustRecord(b, s, weekly(p.ID, 1, "warm-up", 0, true))
	warmPool(b, client)

	b.SetParallelism((benchClients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	var next atomic.Int64
	counter.n.Store(0)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			a := weekly(p.ID, 1, "q"+strconv.FormatInt(i, 10), int(i%4), i%4 == 0)
			if _, err := s.RecordAnswer(ctx, a); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	rate := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "answers/s")
	b.ReportMetric(float64(counter.n.Load())/float64(b.N), "roundtrips/answer")

	baseline, err := evalshaBaseline(s, srv, p.ID, max(b.N, 50_000))
	if err != nil {
		b.Logf("no redis-benchmark baseline: %v", err)
		return
	}
	b.ReportMetric(baseline, "evalsha/s")
	b.ReportMetric(rate/baseline, "ratio")
}

func warmPool(b *testing.B, client *redis.Client) {
	var wg sync.WaitGroup
	for range benchClients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := client.Ping(context.Background()).Err(); err != nil {
				b.Error(err)
			}
		}()
	}
	wg.Wait()
}

var requestsPerSecond = regexp.MustCompile(`([0-9.]+) requests per second`)

// evalshaBaseline runs redis-benchmark: EVALSHA of the answer script with
// the keys and arguments RecordAnswer sends, a new random question each
// call, benchClients connections, n requests. It returns requests/s.
func evalshaBaseline(s *Store, srv *storetest.Server, id ParticipantID, n int) (float64, error) {
	bin, err := exec.LookPath("redis-benchmark")
	if err != nil {
		return 0, err
	}
	host, port, ok := strings.Cut(srv.Addr, ":")
	if !ok {
		return 0, fmt.Errorf("server address %q", srv.Addr)
	}
	keys, args, err := s.answerCall(weekly(id, 1, "__rand_int__", 0, true))
	if err != nil {
		return 0, err
	}
	sha, err := s.client.ScriptLoad(context.Background(), recordAnswerLua).Result()
	if err != nil {
		return 0, err
	}
	cmd := []string{"-h", host, "-p", port, "-c", strconv.Itoa(benchClients), "-n", strconv.Itoa(n),
		"-r", "1000000000", "-q", "EVALSHA", sha, strconv.Itoa(len(keys))}
	cmd = append(cmd, keys...)
	for _, arg := range args {
		cmd = append(cmd, fmt.Sprint(arg))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, cmd...).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("%v: %s", err, out)
	}
	m := requestsPerSecond.FindAllSubmatch(out, -1)
	if len(m) == 0 {
		return 0, fmt.Errorf("no rate in redis-benchmark output %q", out)
	}
	return strconv.ParseFloat(string(m[len(m)-1][1]), 64)
}

// BenchmarkParticipantMemory completes the course for b.N participants
// and reports the Redis memory each takes (MEMORY USAGE over their keys).
func BenchmarkParticipantMemory(b *testing.B) {
	srv := storetest.Start(b)
	s := New(srv.Client(), WithPrefix(srv.Prefix))
	if srv.Socket != "" {
		s = New(s.client) // the production prefix: key names count too
	}
	var total int64
	for i := range b.N {
		p := fullCourse(b, s, i)
		n, _ := memoryOf(b, s, p)
		total += n
	}
	b.ReportMetric(float64(total)/float64(b.N), "bytes/participant")
}
