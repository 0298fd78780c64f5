#!/usr/bin/env python3
# Builds docs/step.md from tools/step-doc.md.in: every transcript in it is what
# `mmsim step` prints (tests/test_step.c checks them against the tool).
#   tools/step-doc.py [MMSIM]        (default build/mmsim; run from the top directory)
# Directives in the template:
#   @session [--trace=MODE] FILE        start a session (its commands follow)
#   @commands C1|C2|...                 the commands, as typed
#   @show A-B [keep=N,M]                steps A..B of its output in a console block
#                                       (step 0: up to the first prompt); keep=N,M
#                                       keeps the first N and last M lines of each
#                                       step's reply, eliding the rest as [...]
import re, subprocess, sys
tmpl, out_path = 'tools/step-doc.md.in', 'docs/step.md'
mmsim = sys.argv[1] if len(sys.argv) > 1 else 'build/mmsim'
out = []
sess = None
def run(args, cmds):
    p = subprocess.run([mmsim, 'step'] + args, input='\n'.join(cmds) + '\n',
                       capture_output=True, text=True)
    text = p.stdout
    # split into steps at prompts
    steps = []
    cur = []
    for line in text.splitlines():
        if line.startswith('(mmsim ') and cur is not None:
            steps.append(cur)
            cur = [line]
        else:
            cur.append(line)
    steps.append(cur)
    return steps
out_prev_show = [False]
first_block = True
for line in open(tmpl).read().splitlines():
    if line.startswith('@session '):
        args = line.split()[1:]
        sess = {'args': args}
        first_block = True
        continue
    if line.startswith('@commands '):
        sess['steps'] = run(sess['args'], line[len('@commands '):].split('|'))
        continue
    m = re.match(r'@show (\d+)(?:-(\d+))?(?: keep=(\d+),(\d+))?$', line)
    if m:
        a = int(m.group(1)); b = int(m.group(2) or a)
        if out and out[-1] == '```' and out_prev_show[0]:
            out.pop()
            block = []
        else:
            block = ['```console']
        if first_block:
            block.append('$ mmsim step ' + ' '.join(sess['args']))
            first_block = False
        for i in range(a, b + 1):
            st = sess['steps'][i]
            if m.group(3) and len(st) > 1 + int(m.group(3)) + int(m.group(4)) + 1:
                n, k = int(m.group(3)), int(m.group(4))
                body = st[1:]
                st = [st[0]] + body[:n] + ['[...]'] + (body[-k:] if k else [])
            block += st
        block.append('```')
        out += block
        out_prev_show[0] = True
        continue
    out_prev_show[0] = False
    out.append(line)
open(out_path, 'w').write('\n'.join(out) + '\n')
