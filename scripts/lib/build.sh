# shellcheck shell=bash
# Sourced by scripts/build-windows and scripts/build-release: the version
# stamps and the flags every build of a shipped binary shares, and the check
# that a binary carries them. Run from the repository root.

# The package whose variables -X stamps (core/version).
VERSION_PKG=github.com/mailoauth/mailoauth-tester/core/version

# stamp sets, from git and FyneApp.toml:
#   VERSION          the release version: VERSION from the environment if set,
#                    X.Y.Z when HEAD is tagged vX.Y.Z, else the next patch
#                    after the last tag (or FyneApp.toml's Version when there
#                    is no tag) as X.Y.Z-dev.N+gCOMMIT8 (N = commits since the
#                    tag), with .dirty appended when tracked files changed
#   COMMIT           full commit hash of HEAD
#   DATE             HEAD's commit time, UTC, RFC 3339 (builds are repeatable)
#   NUMERIC_VERSION  X.Y.Z, for the Windows version resource
#   BUILD_NUMBER     commits in HEAD's history, the resource's fourth field
#   DIRTY            1 when tracked files differ from HEAD, else empty
# Everything is stamped with -X, and builds pass -buildvcs=false: the Go
# build information then holds no second, possibly different, commit (and
# check_stamp finds the -X values, not the build information's copies).
stamp() {
	COMMIT=$(git rev-parse HEAD)
	DATE=$(TZ=UTC git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd HEAD)
	BUILD_NUMBER=$(git rev-list --count HEAD)
	DIRTY=
	if [ -n "$(git status --porcelain --untracked-files=no)" ]; then DIRTY=1; fi
	if [ -z "${VERSION:-}" ]; then
		local tag base count
		if tag=$(git describe --tags --exact-match --match 'v[0-9]*.[0-9]*.[0-9]*' HEAD 2>/dev/null); then
			VERSION=${tag#v}
		else
			if tag=$(git describe --tags --abbrev=0 --match 'v[0-9]*.[0-9]*.[0-9]*' HEAD 2>/dev/null); then
				base=${tag#v}
				base=${base%%[-+]*}
				base=${base%.*}.$((${base##*.} + 1))
				count=$(git rev-list --count "$tag..HEAD")
			else
				base=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' cmd/mailoauth-tester/FyneApp.toml)
				count=$BUILD_NUMBER
			fi
			VERSION=$base-dev.$count+g${COMMIT:0:8}
		fi
		if [ -n "$DIRTY" ]; then
			case $VERSION in
			*+*) VERSION=$VERSION.dirty ;;
			*) VERSION=$VERSION+dirty ;;
			esac
		fi
	fi
	VERSION=${VERSION#v}
	NUMERIC_VERSION=${VERSION%%[-+]*}
	if ! [[ $NUMERIC_VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
		echo "version \"$VERSION\" does not start with MAJOR.MINOR.PATCH (set VERSION=0.2.0 or tag v0.2.0)" >&2
		return 1
	fi
	if [ "$BUILD_NUMBER" -gt 65535 ]; then BUILD_NUMBER=65535; fi # a Windows version field is 16 bits
	export VERSION COMMIT DATE NUMERIC_VERSION BUILD_NUMBER DIRTY
}

# ldflags prints the linker flags of a release build: no symbol table or
# DWARF (-s -w) and the three stamps. Values hold no spaces.
ldflags() {
	printf '%s' "-s -w -X $VERSION_PKG.version=$VERSION -X $VERSION_PKG.commit=$COMMIT -X $VERSION_PKG.date=$DATE"
}

# stamp_goflags prints GOFLAGS for `fyne package`, which takes extra linker
# flags only from GOFLAGS (one -ldflags=… word per flag, no spaces) and adds
# -s -w and -trimpath itself with --release. Setting GOFLAGS in the
# environment hides a GOFLAGS from `go env -w`, so -buildvcs=false is
# repeated here.
stamp_goflags() {
	printf '%s' "${GOFLAGS:-} -buildvcs=false -ldflags=-X=$VERSION_PKG.version=$VERSION -ldflags=-X=$VERSION_PKG.commit=$COMMIT -ldflags=-X=$VERSION_PKG.date=$DATE"
}

# release_build GOOS GOARCH OUT PACKAGE [TAGS] builds one binary the release
# way: -trimpath, release linker flags, cgo only for the window.
release_build() {
	local goos=$1 goarch=$2 out=$3 pkg=$4 tags=${5:-} cgo=0
	[ -n "$tags" ] && cgo=1
	CGO_ENABLED=$cgo GOOS=$goos GOARCH=$goarch go build -trimpath -buildvcs=false ${tags:+-tags "$tags"} -ldflags "$(ldflags)" -o "$out" "$pkg"
}

# check_stamp FILE GOOS GOARCH PACKAGE [TAGS] checks that a binary built
# from PACKAGE is what a release needs, without running it (it may be for
# another OS):
#   - go version -m: built for GOOS/GOARCH with -trimpath, without VCS
#     stamps of its own;
#   - the stamped version, commit and date are in the binary's data (with -s
#     the symbol table is gone, so `go tool nm` cannot show them, and with
#     -trimpath the go command does not record -ldflags in the build info);
#   - no path of this checkout is left in it.
# The linker drops -X for a package the program does not link, so a program
# that does not import core/version carries no stamps: that is a warning
# (the program cannot print a version), not a failure.
# Prints one line per finding; returns 1 when one fails.
check_stamp() {
	local file=$1 goos=$2 goarch=$3 pkg=$4 tags=${5:-} info deps fail=0 s stamped=1 cgo=0
	[ -n "$tags" ] && cgo=1 # as release_build: only the window uses cgo
	info=$(go version -m "$file") || { echo "  $file: go version -m failed" >&2; return 1; }
	for s in "GOOS=$goos" "GOARCH=$goarch" "-trimpath=true"; do
		if ! grep -qE "^[[:space:]]+build[[:space:]]+$s\$" <<<"$info"; then
			echo "  $file: build info lacks $s" >&2
			fail=1
		fi
	done
	if grep -qE "^[[:space:]]+build[[:space:]]+vcs\.revision=" <<<"$info"; then
		echo "  $file: build info has VCS stamps (want -buildvcs=false: the commit comes from -X)" >&2
		fail=1
	fi
	if ! deps=$(CGO_ENABLED=$cgo GOOS=$goos GOARCH=$goarch go list -deps ${tags:+-tags "$tags"} "$pkg"); then
		echo "  $file: go list -deps $pkg failed" >&2
		return 1
	fi
	if ! grep -qxF "$VERSION_PKG" <<<"$deps"; then
		echo "  WARNING: $pkg does not import core/version: $file carries no version stamp" >&2
		stamped=
	fi
	for s in "$VERSION" "$COMMIT" "$DATE"; do
		if [ -n "$stamped" ] && ! LC_ALL=C grep -qaF -- "$s" "$file"; then
			echo "  $file: stamp $s is not in the binary" >&2
			fail=1
		fi
	done
	if LC_ALL=C grep -qaF -- "$PWD/" "$file"; then
		echo "  $file: holds the build folder $PWD (not built with -trimpath?)" >&2
		fail=1
	fi
	[ $fail -eq 0 ] && echo "  $file: $goos/$goarch, -trimpath, ${stamped:+stamped $VERSION ${COMMIT:0:12} $DATE}${stamped:-NOT stamped}"
	return $fail
}

# check_version_output FILE runs a binary built for this machine with
# --version and says whether it prints the stamped version and commit.
check_version_output() {
	local file=$1 out
	out=$("$file" --version 2>&1 || true)
	if grep -qF -- "$VERSION" <<<"$out" && grep -qF -- "${COMMIT:0:12}" <<<"$out"; then
		echo "  $file --version: $out"
		return 0
	fi
	echo "  $file --version prints \"$out\", without version $VERSION and commit ${COMMIT:0:12}" >&2
	return 1
}
