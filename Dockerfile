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
EXPOSE 8080
ENTRYPOINT ["/elmabot"]
CMD ["run"]
