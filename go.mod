module github.com/aws-vault/aws-vault

go 1.26.8

require (
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
	github.com/dvsekhvalnov/jose2go v1.5.0
	github.com/mtibben/percent v0.2.1
	github.com/posener/complete/v2 v2.1.0
	github.com/rogpeppe/go-internal v1.16.0
	golang.org/x/sys v0.50.0
	golang.org/x/term v0.48.0
	gopkg.in/ini.v1 v1.67.3
	mvdan.cc/sh/v3 v3.14.1
)

require (
	github.com/99designs/go-keychain v0.0.0-20191008050251-8e49817e8af4 // indirect
	github.com/aws/aws-sdk-go-v2/internal/configsources v1.5.12 // indirect
	github.com/aws/aws-sdk-go-v2/internal/endpoints/v2 v2.8.12 // indirect
	github.com/aws/aws-sdk-go-v2/internal/v4a v1.5.12 // indirect
	github.com/aws/aws-sdk-go-v2/service/internal/accept-encoding v1.13.25 // indirect
	github.com/aws/aws-sdk-go-v2/service/internal/presigned-url v1.14.12 // indirect
	github.com/danieljoos/wincred v1.1.2 // indirect
	github.com/godbus/dbus v0.0.0-20190726142602-4481cbc300e2 // indirect
	github.com/gsterjov/go-libsecret v0.0.0-20161001094733-a6f4afe4910c // indirect
	github.com/posener/script v1.2.0 // indirect
	golang.org/x/tools v0.38.0 // indirect
)
