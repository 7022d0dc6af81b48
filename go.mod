module github.com/replaytui/replaytui

go 1.26

require (
	github.com/itchyny/gojq v0.12.19 // indirect
	github.com/itchyny/timefmt-go v0.1.8 // indirect
	github.com/klauspost/compress v1.20.4 // indirect
)
