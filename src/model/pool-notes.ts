/** How an assumed pool starts when a Ruby app's bundle has pg but no ActiveRecord or Sequel (languages/ruby/pools-in-code.ts); rules/pool-below-threads.ts recognises it. */
export const NO_ORM_POOL = 'Gemfile.lock has pg but neither activerecord nor sequel'
