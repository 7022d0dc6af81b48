module github.com/replaytui/replaytui

go 1.26
