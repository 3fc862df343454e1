# syntax=docker/dockerfile:1
# Builds a small static image that runs cohortbot as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o /out/cohortbot ./cmd/cohortbot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/cohortbot /usr/local/bin/cohortbot
USER nonroot:nonroot
EXPOSE 8080
ENV HTTP_ADDR=:8080
ENTRYPOINT ["/usr/local/bin/cohortbot"]
CMD ["serve"]
