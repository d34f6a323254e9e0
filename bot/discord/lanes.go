package discord

import (
	"context"
	"sync"
)

// lanes runs events one lane (channel) at a time in arrival order, at
// most `slots` lanes at once, and tracks every goroutine it starts so
// stop can wait for them.
type lanes struct {
	ctx   context.Context
	run   func(context.Context, incoming)
	slots chan struct{}

	mu     sync.Mutex
	queues map[string][]incoming // a lane is present while its goroutine runs
	closed bool
	wg     sync.WaitGroup
}

func newLanes(ctx context.Context, workers int, run func(context.Context, incoming)) *lanes {
	return &lanes{ctx: ctx, run: run, slots: make(chan struct{}, workers), queues: map[string][]incoming{}}
}

// add queues an event behind the others of its lane.
func (l *lanes) add(in incoming) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	q, busy := l.queues[in.lane]
	l.queues[in.lane] = append(q, in)
	if !busy {
		l.wg.Add(1)
		go l.drain(in.lane)
	}
}

// spawn runs f on its own tracked goroutine; false once stopped.
func (l *lanes) spawn(f func()) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.wg.Go(f)
	return true
}

// drain runs a lane's events until its queue is empty.
func (l *lanes) drain(lane string) {
	defer l.wg.Done()
	for {
		in, ok := l.next(lane)
		if !ok {
			return
		}
		select {
		case l.slots <- struct{}{}:
		case <-l.ctx.Done():
			l.forget(lane)
			return
		}
		l.run(l.ctx, in)
		<-l.slots
	}
}

// next takes the lane's oldest event, or ends the lane.
func (l *lanes) next(lane string) (incoming, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	q := l.queues[lane]
	if len(q) == 0 || l.ctx.Err() != nil {
		delete(l.queues, lane)
		return incoming{}, false
	}
	l.queues[lane] = q[1:]
	return q[0], true
}

func (l *lanes) forget(lane string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.queues, lane)
}

// stop refuses new events and waits for the running ones; the context
// given to newLanes must be done or ending, or this waits for the queues
// to drain.
func (l *lanes) stop() {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	l.wg.Wait()
}
