# Run by bench/redmine.py inside Debian's Redmine 5 (`rails runner`), not by the portal.
#
# A project "nq57" whose BENCH_ISSUES issues are all open and past their due date, assigned
# round-robin to BENCH_UNITS users (the portal's province has 120 units), each a member of the
# project; a non-admin reader "bench" who is the project's Manager (the portal's leader sees every
# assignment too); the REST API on and the CSV export limit raised above the issue count (Redmine's
# default stops at 500 rows). Idempotent: issues are inserted only when the project does not
# already hold exactly that many.
issues = Integer(ENV.fetch("BENCH_ISSUES", "10000"))
units = Integer(ENV.fetch("BENCH_UNITS", "120"))
password = ENV.fetch("BENCH_PASSWORD")

Setting.rest_api_enabled = "1"
Setting.issues_export_limit = (issues * 2).to_s
Setting.default_language = "en"
Setting.login_required = "1"

admin = User.find_by_login("admin")
if admin.must_change_passwd || !admin.check_password?(password)
  admin.password = admin.password_confirmation = password
  admin.must_change_passwd = false
  admin.save!
end

project = Project.find_by_identifier("nq57") || Project.create!(
  name: "NQ57 benchmark", identifier: "nq57", is_public: false,
  tracker_ids: Tracker.pluck(:id), enabled_module_names: %w[issue_tracking]
)
manager = Role.find_by_name("Manager") || Role.givable.first
developer = Role.find_by_name("Developer") || Role.givable.last

def bench_user(login, password, firstname)
  user = User.find_by_login(login) || User.new(
    login: login, firstname: firstname, lastname: "Bench", mail: "#{login}@bench.invalid",
    status: User::STATUS_ACTIVE, language: "en"
  )
  return user if user.persisted? && user.check_password?(password)

  user.password = user.password_confirmation = password
  user.must_change_passwd = false
  user.save!
  user
end

reader = bench_user("bench", password, "Reader")
Member.create!(project: project, user: reader, roles: [manager]) unless Member.where(project: project, user: reader).exists?
assignees = (1..units).map do |n|
  user = bench_user(format("unit%03d", n), password, format("Đơn vị số %03d", n))
  Member.create!(project: project, user: user, roles: [developer]) unless Member.where(project: project, user: user).exists?
  user.id
end

have = Issue.where(project_id: project.id).count
if have != issues
  connection = ActiveRecord::Base.connection
  connection.execute("DELETE FROM issues WHERE project_id = #{project.id}")
  tracker = project.trackers.first.id
  status = IssueStatus.where(is_closed: false).order(:position).first.id
  priority = IssuePriority.default&.id || IssuePriority.first.id
  # Subjects as long as the portal's sub-task titles (~110 characters, Vietnamese), due dates 1–300
  # days past, a completion between 0 and 90 %.
  connection.execute(<<~SQL)
    INSERT INTO issues (tracker_id, project_id, subject, description, due_date, status_id,
                        assigned_to_id, priority_id, author_id, lock_version, created_on, updated_on,
                        start_date, done_ratio, lft, rgt, is_private)
    SELECT #{tracker}, #{project.id},
           'Nhiệm vụ ' || g || ': triển khai chuyển đổi số trong cơ quan nhà nước, cung cấp dịch vụ công trực tuyến toàn trình',
           'Theo kế hoạch của Ban Chỉ đạo, đơn vị chủ trì báo cáo tiến độ hằng tháng.',
           current_date - (1 + g % 300), #{status},
           (ARRAY[#{assignees.join(',')}])[1 + g % #{units}], #{priority}, #{admin.id}, 0, now(), now(),
           current_date - 400, (g * 7) % 10 * 10, 1, 2, false
    FROM generate_series(1, #{issues}) AS g
  SQL
  connection.execute("UPDATE issues SET root_id = id WHERE project_id = #{project.id}")
  connection.execute("ANALYZE issues")
end
puts "project nq57: #{Issue.where(project_id: project.id).count} issues, #{units} assignees"
