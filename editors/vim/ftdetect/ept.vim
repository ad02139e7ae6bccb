" eptcheck specs: *.ept files
autocmd BufNewFile,BufRead *.ept setfiletype ept
