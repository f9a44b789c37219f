module github.com/aws-vault/aws-vault

go 1.26.8

require (
	filippo.io/age v1.3.2
	github.com/1Password/connect-sdk-go v1.5.3
	github.com/1password/onepassword-sdk-go v0.4.1
	github.com/99designs/keyring v1.2.2
	github.com/alecthomas/kong v1.17.0
	// SDK pins, for start-up time: sts, iam, sso and ssooidc stay at the last
	// releases before the generated .../schemas packages (sts v1.52, iam v1.65,
	// sso v1.39, ssooidc v1.44), whose package initialisation costs about
	// 5 ms at every start of every command; the core, credentials and
	// smithy-go stay at the versions those releases work with.
	// deps_test.go (TestNoStartupCostlyPackages) fails when one is linked. At
	// each SDK upgrade (do take security fixes): go get the new versions, run
	// go test -run TestNoStartupCostlyPackages . and bench/startup.sh against
	// the old build; if a schemas package must come in, measure its cost with
	// GODEBUG=inittrace=1, say so in the README and change the test's list.
	github.com/aws/aws-sdk-go-v2 v1.48.0
	github.com/aws/aws-sdk-go-v2/credentials v1.20.11
	github.com/aws/aws-sdk-go-v2/service/iam v1.64.9
	github.com/aws/aws-sdk-go-v2/service/sso v1.38.5
	github.com/aws/aws-sdk-go-v2/service/ssooidc v1.43.5
	github.com/aws/aws-sdk-go-v2/service/sts v1.51.9
	github.com/aws/smithy-go v1.28.9
	github.com/creack/pty v1.1.24
	github.com/danieljoos/wincred v1.1.2
	github.com/dvsekhvalnov/jose2go v1.5.0
	github.com/godbus/dbus v0.0.0-20190726142602-4481cbc300e2
	github.com/mtibben/percent v0.2.1
	github.com/opentracing/opentracing-go v1.2.0
	github.com/posener/complete/v2 v2.1.0
	github.com/rogpeppe/go-internal v1.16.0
	golang.org/x/sys v0.50.0
	golang.org/x/term v0.48.0
	gopkg.in/ini.v1 v1.67.3
	mvdan.cc/sh/v3 v3.14.1
)

require (
	filippo.io/hpke v0.4.0 // indirect
	github.com/99designs/go-keychain v0.0.0-20191008050251-8e49817e8af4 // indirect
	github.com/aws/aws-sdk-go-v2/internal/configsources v1.5.12 // indirect
	github.com/aws/aws-sdk-go-v2/internal/endpoints/v2 v2.8.12 // indirect
	github.com/aws/aws-sdk-go-v2/internal/v4a v1.5.12 // indirect
	github.com/aws/aws-sdk-go-v2/service/internal/accept-encoding v1.13.25 // indirect
	github.com/aws/aws-sdk-go-v2/service/internal/presigned-url v1.14.12 // indirect
	github.com/dylibso/observe-sdk/go v0.0.0-20240828172851-9145d8ad07e1 // indirect
	github.com/extism/go-sdk v1.7.1 // indirect
	github.com/gobwas/glob v0.2.3 // indirect
	github.com/gsterjov/go-libsecret v0.0.0-20161001094733-a6f4afe4910c // indirect
	github.com/ianlancetaylor/demangle v0.0.0-20251118225945-96ee0021ea0f // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/posener/script v1.2.0 // indirect
	github.com/tetratelabs/wabin v0.0.0-20230304001439-f6f874872834 // indirect
	github.com/tetratelabs/wazero v1.11.0 // indirect
	github.com/uber/jaeger-client-go v2.30.0+incompatible // indirect
	github.com/uber/jaeger-lib v2.4.1+incompatible // indirect
	go.opentelemetry.io/proto/otlp v1.9.0 // indirect
	go.uber.org/atomic v1.9.0 // indirect
	golang.org/x/crypto v0.55.0 // indirect
	golang.org/x/tools v0.49.0 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)
