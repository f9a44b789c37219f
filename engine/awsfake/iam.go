package awsfake

// IAM, API version 2010-05-08. Requests whose SigV4 credential scope names
// the "iam" service are routed here. No action is implemented yet, so every
// call is answered with 400 InvalidAction; actions such as GetUser,
// ListAccessKeys, CreateAccessKey and DeleteAccessKey can be added to the
// table below.
func init() {
	registerService(&service{
		name:      "iam",
		version:   "2010-05-08",
		namespace: "https://iam.amazonaws.com/doc/2010-05-08/",
		actions:   map[string]handlerFunc{},
	})
}
