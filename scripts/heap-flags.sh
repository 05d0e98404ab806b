#!/bin/sh
# The functions' AWS_LAMBDA_EXEC_WRAPPER (serverless.yml): the runtime's bootstrap runs `<this script> <node> <its
# arguments>`. Copies of Lambda's Node.js bootstraps pass heap sizes of their own on the command line
# (--max-semi-space-size=, --max-old-space-size=, from the memory size), and on the command line they win over
# NODE_OPTIONS: the function's own caps, which its memorySize is sized from (docs/design.md "Memory and function
# sizes"), would not apply. This drops each of the two from the command line when NODE_OPTIONS sets it itself, and
# runs the rest unchanged, in order; without the flag in NODE_OPTIONS, or on the command line, it changes nothing.
# (V8 takes these flags only in the --flag=value form; the bootstrap passes no arguments to its own script.)
# POSIX sh, so bash (the bootstraps' own shell) and dash run it alike. LF line endings only (.gitattributes): a CR
# after the shebang and the function does not start (the pipeline refuses such a file).
# A function has one AWS_LAMBDA_EXEC_WRAPPER: a layer that needs its own must run this one's filter too.
semi=no
old=no
# Node also takes an option in double quotes in NODE_OPTIONS ("--max-old-space-size=256").
case " ${NODE_OPTIONS-} " in
  *" --max-semi-space-size="* | *" --max_semi_space_size="* | *' "--max-semi-space-size='* | *' "--max_semi_space_size='*) semi=yes ;;
esac
case " ${NODE_OPTIONS-} " in
  *" --max-old-space-size="* | *" --max_old_space_size="* | *' "--max-old-space-size='* | *' "--max_old_space_size='*) old=yes ;;
esac
for arg do
  shift
  case "$arg" in
    --max-semi-space-size=* | --max_semi_space_size=*) [ "$semi" = yes ] && continue ;;
    --max-old-space-size=* | --max_old_space_size=*) [ "$old" = yes ] && continue ;;
  esac
  set -- "$@" "$arg"
done
exec "$@"
