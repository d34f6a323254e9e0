# A static elmabot binary on a distroless base. The time zone database
# is embedded in the binary (time/tzdata), so the image needs none.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /elmabot ./cmd/elmabot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /elmabot /elmabot
# /healthz, /readyz and /metrics. The bot listens on loopback unless
# ELMA_HTTP says otherwise; to publish the port, run the container with
# ELMA_HTTP=0.0.0.0:8080 (docker-compose.yml does).
EXPOSE 8080
# distroless has no shell or curl: the binary asks its own /healthz, on
# ELMA_HTTP's port. start-period covers the start (course, Redis, menus).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["/elmabot", "health"]
ENTRYPOINT ["/elmabot"]
CMD ["run"]
