#!/usr/bin/env bash
# The release workflow's plan step: decides the version and the commit to
# build, and on a workflow_dispatch makes the release commit and its tag.
#
# The Action installs the release named in action/VERSION at its own ref
# (github.action_ref is empty in composite actions, actions/runner#2473), so
# the tagged commit must say that version, while every other commit says
# <version>-dev (not a release: the Action builds that commit's source).
#
#   workflow_dispatch  RELEASE_VERSION (1.2.3 or v1.2.3): commits action/VERSION =
#                      1.2.3 on top of the checked-out commit, tags it v1.2.3
#                      and pushes the tag only; the branch keeps -dev.
#   push (a tag)       checks that the tagged commit's action/VERSION says
#                      the tag's version.
#   pull_request       a dry run of Cargo.toml's version: build, no publishing.
#
# In every case Cargo.toml's version must be the release's (bump it, with
# Cargo.lock and CHANGELOG.md, in a pull request first).
#
# Env: EVENT (github.event_name), REF_NAME (github.ref_name), RELEASE_VERSION (the
# workflow_dispatch input), GITHUB_OUTPUT. Outputs: version, tag, ref (what
# the other jobs check out), prerelease, publish.
set -euo pipefail

fail() {
  echo "::error title=release::$*" >&2
  exit 1
}

crate_version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
committed=$(tr -d ' \r\n' < action/VERSION)

case "${EVENT:?}" in
  pull_request) version=$crate_version ;;
  push) version=${REF_NAME#v} ;;
  workflow_dispatch) version=${RELEASE_VERSION#v} ;;
  *) fail "release runs on a version tag, workflow_dispatch or a pull request, not $EVENT" ;;
esac
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]] || [[ "$version" == *-dev ]]; then
  fail "'$version' is not a release version like 1.2.3 or 1.2.3-rc.1"
fi
if [ "$version" != "$crate_version" ]; then
  fail "Cargo.toml says $crate_version, the release is $version: bump Cargo.toml and Cargo.lock in a pull request first"
fi
tag=v$version

case "$EVENT" in
  pull_request)
    ref=$(git rev-parse HEAD)
    publish=false
    ;;
  push)
    if [ "$committed" != "$version" ]; then
      fail "action/VERSION at $tag says $committed, so uses: shipcheck/shipcheck@$tag would not install $version; delete the tag and run this workflow from the Actions tab with version $version (it tags a commit with action/VERSION set), or commit action/VERSION = $version before tagging"
    fi
    ref=refs/tags/$tag
    publish=true
    ;;
  workflow_dispatch)
    if [ -n "$(git ls-remote --tags origin "refs/tags/$tag")" ]; then
      fail "$tag exists already; a release is never re-tagged (re-run the failed jobs of its own run instead)"
    fi
    if [ "$committed" != "$version" ]; then
      printf '%s\n' "$version" > action/VERSION
      git add action/VERSION
      git -c user.name="github-actions[bot]" \
        -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
        commit -q -m "Release $tag: the Action at this tag installs shipcheck $version"
    fi
    git -c user.name="github-actions[bot]" \
      -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
      tag -a "$tag" -m "shipcheck $version"
    # Only the tag: the branch keeps its -dev version. A tag pushed with the
    # workflow's token starts no other workflow run; this run goes on.
    git push -q origin "refs/tags/$tag"
    ref=refs/tags/$tag
    publish=true
    ;;
esac

prerelease=false
case "$version" in *-*) prerelease=true ;; esac

{
  echo "version=$version"
  echo "tag=$tag"
  echo "ref=$ref"
  echo "prerelease=$prerelease"
  echo "publish=$publish"
} >> "${GITHUB_OUTPUT:?}"
echo "release $tag from $ref (prerelease: $prerelease, publish: $publish)"
