package engine

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/sso"

	"github.com/aws-vault/aws-vault/engine/config"
	"github.com/aws-vault/aws-vault/engine/providers"
)

// SSOAssignment is one role the signed-in user may take in one account.
type SSOAssignment struct {
	AccountID, AccountName, RoleName string
}

// SSOSession is an [sso-session] section.
type SSOSession struct {
	Name, StartURL, Region string
}

// SSOListWorkers is how many ListAccountRoles calls run at once: the
// portal's list calls are throttled (TooManyRequestsException), which the
// SDK's adaptive retryer absorbs by pacing the calls; a few at a time keeps
// it rare.
const SSOListWorkers = 8

// ssoListAttempts is how often a throttled list call is tried.
const ssoListAttempts = 10

// LookupSSOSession reads [sso-session NAME] from the config and checks it
// can sign in.
func (e *Engine) LookupSSOSession(name string) (*config.Profile, error) {
	keys, ok := e.o.Config.SSOSession(name)
	if !ok {
		names := e.o.Config.SSOSessionNames()
		if len(names) == 0 {
			return nil, fmt.Errorf("%s has no [sso-session %s] section (it has no [sso-session] at all; `aws configure sso-session` makes one)", e.o.Config.Path, name)
		}
		return nil, fmt.Errorf("%s has no [sso-session %s] section; it has: %s", e.o.Config.Path, name, joinNames(names))
	}
	p := &config.Profile{File: e.o.Config.Path, SSOSession: name,
		SSOStartURL: keys["sso_start_url"], SSORegion: keys["sso_region"], SSORegistrationScopes: keys["sso_registration_scopes"]}
	if p.SSOStartURL == "" {
		return nil, fmt.Errorf("[sso-session %s] in %s has no sso_start_url", name, p.File)
	}
	return p, nil
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

// SSOAssignments lists every account and role the user signed in to
// session may take (ListAccounts, then ListAccountRoles for the accounts
// SSOListWorkers at a time, every page), sorted by account id and role.
// progress, when set, is told how many accounts' roles are listed so far.
func (e *Engine) SSOAssignments(ctx context.Context, session string, progress func(done, total int)) (SSOSession, []SSOAssignment, error) {
	p, err := e.LookupSSOSession(session)
	if err != nil {
		return SSOSession{}, nil, err
	}
	src, err := e.SSOTokenSource(p)
	if err != nil {
		return SSOSession{}, nil, err
	}
	info := SSOSession{Name: session, StartURL: src.StartURL, Region: p.SSORegion}
	token, err := src.Token(ctx)
	if err != nil {
		return info, nil, err
	}
	// Throttling is expected here. One retryer for every call of the sync,
	// in the SDK's adaptive mode: once a call is throttled, it paces all of
	// them (a client-side rate that follows the throttling), so the calls
	// stay near the service's limit instead of each backing off on its
	// own; and without the retry quota that would give up after a hundred
	// or so throttles.
	retryer := retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
		o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
			so.RateLimiter = ratelimit.None
			so.MaxAttempts = ssoListAttempts
		})
	})
	retry := func(o *sso.Options) { o.Retryer = retryer }
	where := fmt.Sprintf("listing the accounts of [sso-session %s] (%s)", session, src.StartURL)

	type account struct{ id, name string }
	var accounts []account
	list := func(token string) error {
		accounts = accounts[:0]
		pages := sso.NewListAccountsPaginator(src.Portal, &sso.ListAccountsInput{AccessToken: aws.String(token)})
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx, retry)
			if err != nil {
				return err
			}
			for _, a := range out.AccountList {
				accounts = append(accounts, account{aws.ToString(a.AccountId), aws.ToString(a.AccountName)})
			}
		}
		return nil
	}
	err = list(token)
	if isPortalUnauthorized(err) {
		// A token refused before its time: refreshed or signed in again, once.
		log.Printf("the portal refused the token for %s: getting a new one", src.StartURL)
		if token, err = src.Retoken(ctx, token); err != nil {
			return info, nil, err
		}
		err = list(token)
	}
	if err != nil {
		return info, nil, fmt.Errorf("%s: ListAccounts: %w", where, providers.Explain(err))
	}
	log.Printf("%d accounts in [sso-session %s]", len(accounts), session)

	results := make([][]SSOAssignment, len(accounts))
	errs := make([]error, len(accounts))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range min(SSOListWorkers, max(len(accounts), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				a := accounts[i]
				pages := sso.NewListAccountRolesPaginator(src.Portal, &sso.ListAccountRolesInput{AccessToken: aws.String(token), AccountId: aws.String(a.id)})
				for pages.HasMorePages() {
					out, err := pages.NextPage(ctx, retry)
					if err != nil {
						errs[i] = fmt.Errorf("listing the roles of account %s (%s) in [sso-session %s]: ListAccountRoles: %w", a.id, a.name, session, providers.Explain(err))
						cancel()
						break
					}
					for _, r := range out.RoleList {
						results[i] = append(results[i], SSOAssignment{AccountID: a.id, AccountName: a.name, RoleName: aws.ToString(r.RoleName)})
					}
				}
				mu.Lock()
				done++
				if progress != nil {
					progress(done, len(accounts))
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range accounts {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err := firstErr(errs); err != nil {
		return info, nil, err
	}
	var out []SSOAssignment
	for _, r := range results {
		out = append(out, r...)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].AccountID != out[j].AccountID {
			return out[i].AccountID < out[j].AccountID
		}
		return out[i].RoleName < out[j].RoleName
	})
	return info, out, nil
}

// firstErr returns the first failure that is not a consequence of another
// (a call cancelled because one failed).
func firstErr(errs []error) error {
	var cancelled error
	for _, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, context.Canceled):
			cancelled = err
		default:
			return err
		}
	}
	return cancelled
}

func isPortalUnauthorized(err error) bool {
	var api interface{ ErrorCode() string }
	return err != nil && errors.As(err, &api) && api.ErrorCode() == "UnauthorizedException"
}
