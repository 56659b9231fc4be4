// Command compose-check loads compose.yaml with compose-go, the loader `docker compose` itself uses,
// so the file is validated on machines where no Docker engine runs. Placeholder values stand in for
// the secrets that production sets in .env, which must have no defaults.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check compose.yaml")
		os.Exit(2)
	}
	env := map[string]string{}
	for _, name := range []string{"MONGO_ROOT_PASSWORD", "MONGO_APP_PASSWORD", "BASE_URL", "SESSION_SECRET", "DATA_KEYS", "SEARCH_KEY", "SMTP_URL", "MAIL_FROM"} {
		env[name] = "placeholder"
	}
	// Without the secrets, loading must fail: none of them may have a default.
	if _, err := load(os.Args[1], nil); err == nil {
		fmt.Println("compose.yaml loads without its secrets: a secret has a default")
		os.Exit(1)
	}
	names, err := load(os.Args[1], env)
	if err != nil {
		fmt.Println("compose.yaml is invalid:", err)
		os.Exit(1)
	}
	fmt.Println("compose.yaml is valid; services:", names)
}

func load(file string, env map[string]string) ([]string, error) {
	vars := []string{}
	for k, v := range env {
		vars = append(vars, k+"="+v)
	}
	opts, err := cli.NewProjectOptions([]string{file}, cli.WithEnv(vars), cli.WithName("haven"))
	if err != nil {
		return nil, err
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		return nil, err
	}
	return project.ServiceNames(), nil
}
