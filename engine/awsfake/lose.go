package awsfake

import "net/http"

// LoseNextAnswer makes the server carry out the next call of action (as
// usual: it is recorded, and a CreateAccessKey creates its key) and then
// close the connection without answering, as when the answer is lost on
// the way. The client cannot tell whether the call happened; the SDK
// clients retry it. Calling it twice loses the next two answers.
func (s *Server) LoseNextAnswer(action string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lose == nil {
		s.lose = map[string]int{}
	}
	s.lose[action]++
}

// loseAnswer closes the connection of a request whose answer is to be
// lost, and reports whether it did.
func (s *Server) loseAnswer(w http.ResponseWriter, r *http.Request, body []byte) bool {
	params, err := requestParams(r, body)
	if err != nil {
		return false
	}
	action := params.Get("Action")
	s.mu.Lock()
	lose := s.lose[action] > 0
	if lose {
		s.lose[action]--
	}
	s.mu.Unlock()
	if !lose {
		return false
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		return false
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}
