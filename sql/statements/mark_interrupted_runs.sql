-- Runs still 'running' when a new run holds the writer lock died before finishing (killed, power
-- loss): their committed chunks stay, and this says the run did not complete.
update runs
set status = 'interrupted'
where status = 'running'
