# The two commands of the README: `make run` chats with the bot in the
# terminal, `make test` runs every test. The rest are for operators and
# the long checks.
GO ?= go

.PHONY: run test bench build docker-check docs

run:
	$(GO) run ./cmd/cohortbot console

test:
	$(GO) vet ./... && $(GO) test -race -count=1 -parallel 4 ./...

# Benchmarks and long fault runs (docs/BENCHMARKS.md).
bench:
	$(GO) test -run '^$$' -bench . -benchtime 2s ./...

# docs/certificate.png (pdftoppm) and docs/verify.png (headless Chromium)
# from the tests that check them.
docs:
	$(GO) test -count=1 -run TestRenderText ./internal/certpdf -docs
	COHORTBOT_DOCS=1 $(GO) test -count=1 -run 'TestCertificate$$' ./cmd/cohortbot

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '-s -w' -o cohortbot ./cmd/cohortbot
